"""Rule modules, one per family; importing this package registers every built-in rule."""

from doclint import suppress
from doclint.checks import inputs, template

__all__ = ["inputs", "suppress", "template"]
