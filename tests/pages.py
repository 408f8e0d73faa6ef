"""Reading a page as its reader does: the text without the markup (Thai
names are marked up word by word by ``thai_wrap``, so a name is only found
whole in the page's text)."""

import re


def page_text(response) -> str:
    """The response's body without its tags."""
    return re.sub(r"<[^>]+>", "", response.content.decode())
