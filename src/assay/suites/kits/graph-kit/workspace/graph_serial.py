"""The edge-list text format: one `a b weight` line per edge, `#` comments."""

from graph_core import Graph


def dumps(graph):
    lines = []
    for a in graph.nodes():
        for b in graph.neighbours(a):
            if graph.directed or a <= b:
                lines.append(f"{a} {b} {graph.weight(a, b)}")
    return "\n".join(lines) + "\n"


def loads(text, directed=False):
    """Parse the edge-list format: blank lines and everything after `#` are ignored; each
    remaining line is two node names and an integer weight, separated by whitespace."""
    graph = Graph(directed=directed)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        a, b, w = line.split()
        graph.add_edge(a, b, int(w))
    return graph
