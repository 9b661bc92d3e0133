"""Reranking candidate solutions: pools of labelled candidates, scorers, lift and calibration.

(Filled in by the reranking work; the pool record lives in :mod:`assay.records.pool`.)
"""
