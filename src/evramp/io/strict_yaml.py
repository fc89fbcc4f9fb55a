"""A YAML reader for scenario files: plain data only, every key once, no aliases.

PyYAML's safe loader still expands aliases (a "billion laughs" of nested `*a` references held
`evramp validate` for minutes at 2.8 GiB), takes the last of a key given twice without a word, and
reads `yes`/`no`/`on`/`off` as booleans, which pydantic then takes as the numbers 1 and 0. A
scenario needs none of these, so they are refused (aliases, repeated keys) or kept as the text the
planner typed (yes, no), to be refused with the field's own message.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

_BOOL_TAG = "tag:yaml.org,2002:bool"


class RefusedYAML(yaml.MarkedYAMLError):
    """Valid YAML that a scenario file may not use (an alias, a key given twice)."""


class _ScenarioLoader(yaml.SafeLoader):
    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise RefusedYAML(
                problem=f"alias *{event.anchor} refused: write the value out (aliases are not "
                "allowed in scenario files)",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                seen = first_line.get(key)
            except TypeError:  # a list or mapping as a key: let PyYAML say so
                raise ConstructorError(
                    problem="a key must be plain text", problem_mark=key_node.start_mark
                ) from None
            if seen is not None:
                raise RefusedYAML(
                    problem=f"key {key!r} given twice (first on line {seen}); keep one",
                    problem_mark=key_node.start_mark,
                )
            first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def load_scenario_yaml(text: str) -> Any:
    """The data of a scenario YAML text; raises `yaml.YAMLError` (with a mark) when refused."""
    return yaml.load(text, Loader=_ScenarioLoader)
