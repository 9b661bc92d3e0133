"""Script variants: a scripted model that follows an instruction in its system prompt, and
one seed's replies (``TASK@sN``) falling back to the task's own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.models.script_format import Script
from assay.models.scripted import ScriptedModel
from assay.models.types import META_CONVERSATION, META_TASK, Message, Request
from tests.support.fuzz import FUZZ

SCRIPT = Script.model_validate(
    {
        "schema": "assay.script.v1",
        "tasks": {"t": [{"text": "plain"}], "*": [{"text": "default"}]},
        "variants": [
            {"when_system_contains": "be careful", "tasks": {"t": [{"text": "careful"}]}},
            {"when_system_contains": "lucky", "tasks": {"t@s1": [{"text": "lucky"}]}},
        ],
    }
)


def reply(system: str, task: str) -> str:
    request = Request(
        messages=(Message("system", system), Message("user", "go")),
        metadata={META_TASK: task, META_CONVERSATION: f"{task}/a"},
    )
    return ScriptedModel(SCRIPT).generate(request).text


def test_the_system_prompt_selects_the_variant() -> None:
    assert reply("You work here.", "t") == "plain"
    assert reply("You work here.\n\nPlease be careful.", "t") == "careful"
    assert reply("be careful", "other") == "default"  # the variant has no turns for it


def test_one_seeds_key_falls_back_to_the_tasks_own() -> None:
    assert SCRIPT.task_keys() == {"t", "*", "t@s1"}
    assert reply("", "t@s1") == "plain"
    assert reply("lucky", "t@s1") == "lucky"
    assert reply("lucky", "t@s2") == "plain"  # the lucky variant holds seed 1 only


@settings(FUZZ, max_examples=200)
@given(system=st.text(max_size=60))
def test_a_variant_plays_exactly_when_its_text_is_in_the_system_prompt(system: str) -> None:
    text = SCRIPT.turn("t", 0, system).text
    assert text == ("careful" if "be careful" in system else "plain")


CONTEXT = Script.model_validate(
    {
        "schema": "assay.script.v1",
        "tasks": {"t": [{"text": "ran"}, {"text": "naive"}]},
        "variants": [
            {
                "when_system_contains": "strict",
                "when_context_contains": "HINT",
                "tasks": {"t": [{"text": "ran"}, {"text": "strict fix"}]},
            },
            {"when_context_contains": "HINT", "tasks": {"t": [{"text": "ran"}, {"text": "fix"}]}},
        ],
    }
)


def test_the_conversation_after_the_system_prompt_selects_a_context_variant() -> None:
    model = ScriptedModel(CONTEXT)

    def ask(system: str, *rest: str, conversation: str) -> str:
        messages = (Message("system", system), *(Message("user", r) for r in rest))
        meta = {META_TASK: "t", META_CONVERSATION: f"t/{conversation}"}
        return model.generate(Request(messages=messages, metadata=meta)).text

    assert ask("HINT in the system prompt only", "go", conversation="a") == "ran"
    assert ask("HINT in the system prompt only", "go", "output: none", conversation="a") == "naive"
    assert ask("", "go", conversation="b") == "ran"
    assert ask("", "go", "output: HINT use it", conversation="b") == "fix"


def test_a_variant_needs_a_condition() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="when_system_contains or when_context_contains"):
        Script.model_validate(
            {
                "schema": "assay.script.v1",
                "tasks": {"t": [{}]},
                "variants": [{"tasks": {"t": [{}]}}],
            }
        )


@settings(FUZZ, max_examples=200)
@given(system=st.text(max_size=40), context=st.text(max_size=40))
def test_both_conditions_must_hold(system: str, context: str) -> None:
    text = CONTEXT.turn("t", 1, system, context).text
    if "HINT" not in context:
        assert text == "naive"
    else:
        assert text == ("strict fix" if "strict" in system else "fix")
