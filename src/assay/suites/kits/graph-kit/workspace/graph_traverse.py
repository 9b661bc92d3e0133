"""Breadth-first and depth-first orders from a start node (neighbours in sorted order)."""

from collections import deque


def bfs(graph, start):
    """Nodes reachable from `start` in breadth-first order: `start`, then its neighbours in
    sorted order, then theirs; every node appears once, unreachable nodes never."""
    seen, order, queue = {start}, [], deque([start])
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in graph.neighbours(node):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


def dfs(graph, start):
    seen, order = set(), []

    def visit(node):
        seen.add(node)
        order.append(node)
        for nxt in graph.neighbours(node):
            if nxt not in seen:
                visit(nxt)

    visit(start)
    return order
