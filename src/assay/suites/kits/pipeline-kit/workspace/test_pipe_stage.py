from pipe_stage import Stage


def test_stage_applies_and_names():
    s = Stage(abs, "abs")
    assert (s(-3), s.name) == (3, "abs")
