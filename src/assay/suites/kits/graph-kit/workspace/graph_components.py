"""Connected components of an undirected graph."""

from graph_traverse import bfs


def components(graph):
    seen, out = set(), []
    for node in graph.nodes():
        if node in seen:
            continue
        part = bfs(graph, node)
        seen.update(part)
        out.append(part)
    return out
