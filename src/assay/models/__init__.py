"""Models: one interface over scripted replay, OpenAI-compatible endpoints, Anthropic, Gemini.

``load_model("openai:gpt-4o-mini")`` returns a ``Model``; ``generate(Request) -> Reply``
records usage, latency and cost, retries transient faults within a budget, and raises
``ModelFault`` (a ``fault``, never a model failure) when no reply can be had. Provider SDKs
are imported only when their provider is built.
"""

from assay.models.pricing import Price, PriceTable
from assay.models.protocol import Model, ModelFault
from assay.models.retry import Retrier, RetryPolicy, TryReport, call_scope
from assay.models.spec import load_model
from assay.models.types import (
    META_CONVERSATION,
    META_TASK,
    Message,
    Reply,
    Request,
    ToolCall,
    ToolSpec,
    Usage,
)

__all__ = [
    "META_CONVERSATION",
    "META_TASK",
    "Message",
    "Model",
    "ModelFault",
    "Price",
    "PriceTable",
    "Reply",
    "Request",
    "Retrier",
    "RetryPolicy",
    "ToolCall",
    "ToolSpec",
    "TryReport",
    "Usage",
    "call_scope",
    "load_model",
]
