import pytest

from graph_core import Graph
from graph_topo import topological_order


def test_order_respects_edges():
    g = Graph(directed=True)
    for a, b in [("shirt", "tie"), ("tie", "jacket"), ("pants", "shoes"), ("pants", "jacket")]:
        g.add_edge(a, b)
    assert topological_order(g) == ["pants", "shirt", "shoes", "tie", "jacket"]


def test_cycle_is_an_error():
    g = Graph(directed=True)
    g.add_edge("a", "b")
    g.add_edge("b", "a")
    with pytest.raises(ValueError):
        topological_order(g)
