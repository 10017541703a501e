#!/usr/bin/env bash
# Makes sure Docker has debian:bookworm-slim, the base of every image in docker-compose.yml.
#
# With a registry in reach it is pulled, as `docker compose up` would. Without one (CI machines
# reach Debian's archive and PyPI only), it is made from Debian's archive: debootstrap of a
# minimal bookworm, imported under the same name (about 75 s, 212 MB). An image already present
# is kept, so this costs nothing after the first run.
#
# Environment:
#   DEBIAN_MIRROR   the archive to debootstrap from (default: the first bookworm source apt uses,
#                   else http://deb.debian.org/debian)
set -euo pipefail

image=debian:bookworm-slim

if docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image: present"
    exit 0
fi
if docker pull --quiet "$image" 2>/dev/null; then
    exit 0
fi

apt_mirror() {
    # One-line ("deb URI bookworm main") and deb822 ("URIs: URI" ... "Suites: bookworm") sources.
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | awk '
        /^deb / && $3 == "bookworm" { print $2; exit }
        /^URIs:/ { uri = $2 }
        /^Suites:/ && uri != "" { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print uri; exit } }
        /^$/ { uri = "" }' || true
}
mirror="${DEBIAN_MIRROR:-$(apt_mirror)}"
mirror="${mirror:-http://deb.debian.org/debian}"

command -v debootstrap >/dev/null || {
    echo "No registry in reach and no debootstrap to make $image: apt-get install -y debootstrap" >&2
    exit 1
}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
echo "$image: no registry in reach, making it from $mirror with debootstrap"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 20 "$root.log" >&2
    rm -f "$root.log"
    exit 1
}
rm -f "$root.log"
# Like the official image: the release, its updates and security updates; no downloaded lists.
rm -f "$root"/etc/apt/sources.list
cat >"$root"/etc/apt/sources.list.d/debian.sources <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
tar --numeric-owner -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$image" >/dev/null
echo "$image: imported ($(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=si)B)"
