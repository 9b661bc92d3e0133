"""The experiment runner: manifest → attempts under workflow conditions → run directory."""
