"""Tasks beyond translation that the pipeline carries across languages by distillation."""
