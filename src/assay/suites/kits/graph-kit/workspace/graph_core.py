"""An undirected or directed weighted graph kept as adjacency dicts."""


class Graph:
    def __init__(self, directed=False):
        self.directed = directed
        self.adj = {}

    def add_node(self, node):
        self.adj.setdefault(node, {})

    def add_edge(self, a, b, weight=1):
        self.add_node(a)
        self.add_node(b)
        self.adj[a][b] = weight
        if not self.directed:
            self.adj[b][a] = weight

    def nodes(self):
        return sorted(self.adj)

    def neighbours(self, node):
        """The nodes one edge away from `node`, sorted, so every traversal is deterministic
        whatever order the edges were added in; a directed graph lists successors only."""
        return sorted(self.adj[node])

    def weight(self, a, b):
        return self.adj[a][b]
