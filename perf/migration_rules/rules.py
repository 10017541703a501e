"""
The catalogue of migration rules, by code: ``lock_rules`` (no rewrite or scan under a blocking
lock), ``release_rules`` (the running release keeps working; deploy phases), ``data_rules`` (data
migrations, reversibility, reviewed exceptions). ``rule`` defines a rule and its violation report.
"""

from .data_rules import DATA_RULES
from .lock_rules import LOCK_RULES
from .release_rules import RELEASE_RULES
from .rule import DOCS, EXCEPTIONS_ATTRIBUTE, Rule, Violation

__all__ = ["DOCS", "EXCEPTIONS_ATTRIBUTE", "RULES", "Rule", "Violation"]

RULES = {rule.code: rule for rule in (*LOCK_RULES, *RELEASE_RULES, *DATA_RULES)}
