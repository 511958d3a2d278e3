import re


def form_value(html: str, name: str) -> str:
    """The value of the input called ``name`` in a page."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    assert match, f"no input {name!r} in page"
    return match.group(1)
