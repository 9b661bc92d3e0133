from graph_components import components
from graph_core import Graph


def test_components_sorted():
    g = Graph()
    g.add_edge("a", "d")
    g.add_edge("d", "c")
    g.add_edge("x", "y")
    g.add_node("m")
    assert components(g) == [["a", "c", "d"], ["m"], ["x", "y"]]
