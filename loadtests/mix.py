"""
The shopper mix: how often each task runs, given as ``--mix home=10,product=40,...``.

Locust copies a class's tasks when the class is made, so ``use_mix`` sets them again on every
user class once the option is known, subclasses in other locustfiles included.
"""

# Weights per task: fewer than one request in ten is personal (cart, log-in, checkout), as in a
# shop where most visits only browse.
DEFAULT_MIX = "home=10,category=30,search=10,product=40,add_to_cart=2,cart=2,account=1,checkout=1"


def parse_mix(text: str) -> dict[str, int]:
    """``"home=10,search=5"`` -> ``{"home": 10, "search": 5}``."""
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {name.strip(): int(weight) for name, weight in pairs}


def weighted_tasks(user_class: type, mix: dict[str, int]) -> list:
    """The user class's tagged tasks, each repeated by its weight in ``mix``."""
    tasks = {name: getattr(user_class, name, None) for name in mix}
    return [
        tasks[name] for name, weight in mix.items() if is_task(tasks[name]) for _ in range(weight)
    ]


def use_mix(root: type, mix: dict[str, int]) -> None:
    """Give ``root`` and every subclass of it its tasks weighted by ``mix``."""
    classes = [root]
    for user_class in classes:
        classes += user_class.__subclasses__()
    known = {name for cls in classes for name in mix if is_task(getattr(cls, name, None))}
    unknown = [name for name in mix if name not in known]
    if unknown:
        raise ValueError(f"--mix names unknown tasks: {', '.join(unknown)}")
    for user_class in classes:
        user_class.tasks = weighted_tasks(user_class, mix)


def is_task(attribute) -> bool:
    """A method marked with ``@tag``: only those can be weighted."""
    return hasattr(attribute, "locust_tag_set")
