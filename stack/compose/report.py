"""What ``make compose-test`` measured, printed at the end of the run: image build times, the
time from ``up`` to serving, and one row per fault (requests, failed, p99, max)."""

from dataclasses import dataclass, field

from stack.compose.load import Summary


@dataclass
class ComposeReport:
    compose: str = ""
    build_seconds: dict[str, float] = field(default_factory=dict)
    up_seconds: float | None = None
    rows: list[tuple[str, Summary]] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"compose: {self.compose}"] if self.compose else []
        if self.build_seconds:
            builds = ", ".join(f"{image} {s:.0f} s" for image, s in self.build_seconds.items())
            lines.append(f"image builds: {builds}")
        if self.up_seconds is not None:
            lines.append(f"up to healthy (serving): {self.up_seconds:.0f} s")
        if self.rows:
            lines += ["", *fault_table(self.rows)]
        return lines


def fault_table(rows: list[tuple[str, Summary]]) -> list[str]:
    """A Markdown table, aligned for the terminal too."""
    header = ("fault", "requests", "failed", "p99", "max")
    cells = [header] + [
        (name, str(s.requests), str(s.failed), f"{s.p99 * 1000:.0f} ms", f"{s.max * 1000:.0f} ms")
        for name, s in rows
    ]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        padded = [row[0].ljust(widths[0])]
        padded += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join(["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]])
    return [line(header), rule + " |", *(line(row) for row in cells[1:])]
