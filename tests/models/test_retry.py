"""The retry loop, the price table and model spec strings."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from assay.errors import InputError
from assay.models import Model, ModelFault, Reply, RetryPolicy, TryReport, Usage, load_model
from assay.models.endpoint import retry_after
from assay.models.pricing import PriceTable
from assay.models.retry import Retrier

OK = Reply("ok", (), "stop", Usage(1, 1), 0.0, None, "m", 2)


class Flaky:
    """Fails with the given faults, then answers."""

    def __init__(self, *faults: ModelFault) -> None:
        self.faults = list(faults)
        self.calls = 0

    def __call__(self) -> Reply:
        self.calls += 1
        if self.faults:
            raise self.faults.pop(0)
        return OK


def run(
    flaky: Flaky, policy: RetryPolicy, key: str = "k"
) -> tuple[Reply | ModelFault, list[float], list[TryReport]]:
    waits: list[float] = []
    tries: list[TryReport] = []
    try:
        out: Reply | ModelFault = Retrier(policy, tries.append, sleep=waits.append).run(flaky, key)
    except ModelFault as fault:
        out = fault
    return out, waits, tries


def transient(status: int = 500, retry_after_s: float | None = None) -> ModelFault:
    return ModelFault("transient", f"HTTP {status}", status=status, retry_after_s=retry_after_s)


def test_backoff_doubles_with_seeded_jitter() -> None:
    policy = RetryPolicy(max_tries=4, base_delay_s=1.0, jitter=0.25)
    out, waits, tries = run(Flaky(transient(), transient(), transient()), policy)
    assert isinstance(out, Reply) and out.attempts == 4
    assert all(abs(w - base) <= 0.25 * base for w, base in zip(waits, [1, 2, 4], strict=True))
    assert (
        run(Flaky(transient(), transient(), transient()), policy)[1] == waits
    )  # same key, same waits
    assert run(Flaky(transient(), transient(), transient()), policy, key="other")[1] != waits
    assert [t.wait_s for t in tries] == [*waits, 0.0]


def test_gives_up_after_max_tries() -> None:
    flaky = Flaky(*[transient()] * 10)
    out, waits, tries = run(flaky, RetryPolicy(max_tries=3, base_delay_s=0.1))
    assert isinstance(out, ModelFault)
    assert out.kind == "exhausted" and out.attempts == 3 and flaky.calls == 3
    assert "gave up after 3 tries" in out.detail and "HTTP 500" in out.detail
    assert len(waits) == 2 and tries[-1].kind == "exhausted"


def test_total_wait_is_capped() -> None:
    policy = RetryPolicy(max_tries=100, base_delay_s=1.0, max_delay_s=4.0, max_total_wait_s=10.0)
    out, waits, _ = run(Flaky(*[transient()] * 100), policy)
    assert isinstance(out, ModelFault) and out.kind == "exhausted"
    assert sum(waits) == pytest.approx(10.0)
    assert "wait budget" in out.detail


def test_retry_after_is_honoured_beyond_the_backoff_cap() -> None:
    policy = RetryPolicy(base_delay_s=0.1, max_delay_s=0.2)
    out, waits, _ = run(Flaky(transient(429, retry_after_s=3.0)), policy)
    assert isinstance(out, Reply) and waits == [3.0]


def test_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    out, waits, _ = run(Flaky(transient(429, retry_after_s=120)), RetryPolicy(max_total_wait_s=30))
    assert isinstance(out, ModelFault) and out.kind == "exhausted" and out.attempts == 1
    assert waits == [] and "Retry-After 120s" in out.detail


def test_permanent_faults_are_not_retried() -> None:
    flaky = Flaky(ModelFault("permanent", "HTTP 401", status=401))
    out, waits, tries = run(flaky, RetryPolicy())
    assert isinstance(out, ModelFault) and out.kind == "permanent" and out.attempts == 1
    assert flaky.calls == 1 and waits == [] and [t.kind for t in tries] == ["permanent"]


def test_invalid_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid retry policy"):
        RetryPolicy(max_tries=0)


def test_fault_survives_pickling() -> None:
    fault = ModelFault("exhausted", "HTTP 503", status=503, attempts=4, retry_after_s=2.0)
    back = pickle.loads(pickle.dumps(fault))
    assert (back.kind, back.detail, back.status, back.attempts, back.retry_after_s) == (
        "exhausted",
        "HTTP 503",
        503,
        4,
        2.0,
    )
    assert str(back) == str(fault)


def test_retry_after_header_forms() -> None:
    assert retry_after({"Retry-After": "2"}) == 2.0
    assert retry_after({"retry-after-ms": "250"}) == 0.25
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert retry_after({"Retry-After": "soon"}) is None
    assert retry_after({}) is None


def test_price_table_costs_and_unpriced_models(tmp_path: Path) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(
        'schema = "assay.prices.v1"\n'
        '[models."openai:gpt-x"]\ninput = 2.0\noutput = 8.0\ncached_input = 0.5\n'
        '[models."claude-y"]\ninput = 3.0\noutput = 15.0\n'
    )
    table = PriceTable.load(path)
    usage = Usage(prompt=1_000_000, completion=500_000, cached=400_000)
    assert table.cost("openai:gpt-x", usage) == pytest.approx(0.6 * 2 + 0.4 * 0.5 + 0.5 * 8)
    assert table.cost("anthropic:claude-y", usage) == pytest.approx(3.0 + 7.5)  # bare id matches
    assert table.cost("ollama:qwen", usage) is None  # unpriced: unknown, not free


def test_bad_price_table_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text('{"models": {"m": {"input": -1, "output": 1}}}')
    with pytest.raises(InputError) as err:
        PriceTable.load(path)
    assert [p.field for p in err.value.problems] == ["models.m.input"]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("gpt-4o", "PROVIDER:MODEL"),
        ("openai:", "PROVIDER:MODEL"),
        ("mistral:large", "unknown provider"),
        ("openai:gpt@ftp://x", "bad base URL"),
        ("scripted:/no/such/script.json", "no such file"),
    ],
)
def test_bad_specs_say_how_to_fix_them(spec: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        load_model(spec)
    assert words in str(err.value) and err.value.problems[0].fix


@pytest.mark.parametrize(
    ("spec", "variable"),
    [
        ("openai:gpt-4o-mini", "OPENAI_API_KEY"),
        ("anthropic:claude-x", "ANTHROPIC_API_KEY"),
        ("gemini:gemini-x", "GEMINI_API_KEY"),
    ],
)
def test_hosted_models_need_a_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, spec: str, variable: str
) -> None:
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(InputError) as err:
        load_model(spec)
    assert variable in str(err.value)


def test_loopback_endpoints_need_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    ollama = load_model("ollama:qwen2.5-coder:7b")
    assert ollama.name == "ollama:qwen2.5-coder:7b" and ollama.supports_tools
    models = [
        load_model("openai:m@http://localhost:8000/v1"),
        load_model("anthropic:c@http://127.0.0.1:9"),
        load_model("gemini:g@http://[::1]:9"),
    ]
    assert [m.name for m in models] == ["openai:m", "anthropic:c", "gemini:g"]
    assert all(isinstance(m, Model) for m in [ollama, *models])


def test_a_call_scope_sees_every_try_and_can_stop_the_retrying() -> None:
    from assay.models import call_scope

    seen: list[TryReport] = []
    with call_scope(on_try=seen.append):
        out, _, own = run(Flaky(transient(), transient(429)), RetryPolicy(max_tries=4))
    assert isinstance(out, Reply) and out.attempts == 3
    assert [t.ok for t in seen] == [False, False, True] and seen == own  # both watchers told
    seen.clear()
    with call_scope(on_try=seen.append, should_stop=lambda: True):
        out, waits, _ = run(Flaky(transient(), transient()), RetryPolicy(max_tries=4))
    assert isinstance(out, ModelFault) and out.kind == "exhausted" and out.attempts == 1
    assert "stopping" in out.detail and waits == []  # no wait, no second try
    assert [t.kind for t in seen] == ["exhausted"]
    out, _, _ = run(Flaky(transient()), RetryPolicy(max_tries=4))
    assert isinstance(out, Reply)  # outside the block the scope is gone
