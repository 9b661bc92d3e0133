"""Topological order of a directed graph (Kahn; ties broken by the smallest node)."""

import heapq


def topological_order(graph):
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
