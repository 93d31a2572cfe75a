"""Template tags for the NatAlli XBlocks.

`{% t "Message" name=value %}` translates through the block's `_` (runtime i18n service, then our catalog)
and then fills `{name}` placeholders. Unlike Django's `{% trans %}` it touches no global translation state,
which matters when many blocks render on one page in different runtimes.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context: template.Context, message: str, **kwargs: Any) -> str:
    translate = context.get("_")
    text = translate(message) if callable(translate) else message
    return text.format(**kwargs) if kwargs else text
