"""The blind code-quality judge (never a gate): rubric, judgments, agreement."""
