"""Reports regenerated from run directories alone: metrics, tables, plots."""
