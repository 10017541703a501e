"""
A migration rule, and the violation report built from it.

Each rule carries its own explanation so that a failing check says, on the spot, what is dangerous,
why, the exact safe steps and how to mark a reviewed exception; docs/migration-rules.md says the
same at length, with an example migration per rule, under a heading named by the rule's code.
"""

from dataclasses import dataclass

DOCS = "docs/migration-rules.md"

# The class attribute of a Migration that lists reviewed, intentional exceptions, for example
#     reviewed_exceptions = {"drop-column": "Contract step: nothing reads legacy_sku since 2.3."}
EXCEPTIONS_ATTRIBUTE = "reviewed_exceptions"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    why: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Violation:
    """One operation of one migration that breaks one rule."""

    rule: Rule
    migration: str
    operation: str
    detail: str

    def __str__(self) -> str:
        steps = "\n".join(f"    {number}. {step}" for number, step in enumerate(self.rule.steps, 1))
        return (
            f"{self.migration}: {self.operation}\n"
            f"  Dangerous: {self.detail}\n"
            f"  Why: {self.rule.why}\n"
            f"  Safe steps:\n{steps}\n"
            f"  If this is reviewed and intended, say so on the Migration class:\n"
            f'    {EXCEPTIONS_ATTRIBUTE} = {{"{self.rule.code}": "<why it is safe here>"}}\n'
            f"  See {DOCS}#{self.rule.code}"
        )
