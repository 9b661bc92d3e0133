"""Importers: HumanEval and MBPP+ problems written as assay task folders."""
