"""aiplus-kg: a knowledge graph of China's "AI+" strategy.

The library's entry point is :class:`~aiplus_kg.knowledge_graph.KnowledgeGraph`::

    from aiplus_kg import KnowledgeGraph

    kg = KnowledgeGraph.open()  # the project as the command line finds it
"""

__version__ = "0.1.0"

from aiplus_kg.knowledge_graph import KnowledgeGraph

__all__ = ["KnowledgeGraph", "__version__"]
