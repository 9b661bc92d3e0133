"""Token prices and the cost of a call (schema ``assay.prices.v1``).

A price table file, TOML or JSON, in US dollars per million tokens::

    schema = "assay.prices.v1"

    [models."openai:gpt-4o-mini"]   # a model name as assay records it ...
    input = 0.15
    output = 0.60
    cached_input = 0.075            # optional; cached prompt tokens cost ``input`` without it

    [models."claude-sonnet-4-5"]    # ... or the bare provider model id
    input = 3.0
    output = 15.0

A model missing from the table has cost ``None``, never 0: an unpriced local model is
"unknown cost", and summing it as free would make cost comparisons lie.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.models.fileio import read_mapping, validate
from assay.models.types import Usage

PRICES_SCHEMA: Final = "assay.prices.v1"


class Price(BaseModel):
    """Dollars per million tokens of one model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    """Uncached prompt tokens."""
    output: float = Field(ge=0)
    """Completion tokens."""
    cached_input: float | None = Field(default=None, ge=0)
    """Prompt tokens served from the provider's cache; ``input`` when not given."""

    def cost(self, usage: Usage) -> float:
        """Return the dollar cost of ``usage`` at these prices."""
        cached = min(usage.cached, usage.prompt)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        dollars = (
            (usage.prompt - cached) * self.input
            + cached * cached_rate
            + usage.completion * self.output
        )
        return dollars / 1_000_000


class PriceTable(BaseModel):
    """Prices by model name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: Literal["assay.prices.v1"] = Field(default=PRICES_SCHEMA, alias="schema")
    models: dict[str, Price] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> PriceTable:
        """Read a price table file; raise ``InputError`` naming every bad field."""
        return validate(cls, read_mapping(Path(path)), path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<price table>") -> PriceTable:
        """Build a table from plain data, e.g. ``{"models": {"m": {"input": 1, "output": 2}}}``."""
        return validate(cls, data, source)

    def price(self, name: str) -> Price | None:
        """Return the price of ``name`` (``provider:model``), else of the bare model id."""
        found = self.models.get(name)
        if found is None and ":" in name:
            found = self.models.get(name.split(":", 1)[1])
        return found

    def cost(self, name: str, usage: Usage) -> float | None:
        """Return the cost of ``usage`` for model ``name``; ``None`` when it is unpriced."""
        price = self.price(name)
        return None if price is None else price.cost(usage)


def cost_of(table: PriceTable | None, name: str, usage: Usage) -> float | None:
    """Return the cost of a call; ``None`` without a table or a price for the model."""
    return None if table is None else table.cost(name, usage)
