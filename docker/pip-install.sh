#!/bin/sh
# `pip install` for the image builds. It trusts the CA bundle passed as the `pip-cert` build
# secret when there is one (make compose-test passes the machine's, for a TLS-inspecting proxy);
# a secret is mounted for its RUN step only and never stored in the image. Without it, pip
# trusts its own bundle, as on any laptop.
set -eu
secret=/run/secrets/pip-cert
if [ -s "$secret" ]; then
    export PIP_CERT="$secret"
fi
exec pip install --no-cache-dir "$@"
