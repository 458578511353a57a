"""aiplus-kg: a knowledge graph of China's "AI+" strategy."""

__version__ = "0.1.0"
