"""Topological order of a directed graph (Kahn; ties broken by the smallest node)."""

import heapq


def topological_order(graph):
    """Every node of a directed graph, each after all of its predecessors; among the nodes
    ready at any moment the smallest comes first, so the order is unique. A cycle leaves
    some nodes never ready: that is a ValueError, not a partial order."""
    indegree = {n: 0 for n in graph.nodes()}
    for n in graph.nodes():
        for m in graph.neighbours(n):
            indegree[m] += 1
    ready = [n for n, k in indegree.items() if k == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for m in graph.neighbours(n):
            indegree[m] -= 1
            if indegree[m] == 0:
                heapq.heappush(ready, m)
    if len(order) != len(indegree):
        raise ValueError("graph has a cycle")
    return order
