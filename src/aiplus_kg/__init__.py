"""aiplus-kg: a knowledge graph of China's "AI+" strategy.

The library's entry point is :class:`~aiplus_kg.knowledge_graph.KnowledgeGraph`::

    from aiplus_kg import KnowledgeGraph

    kg = KnowledgeGraph.open()  # the project as the command line finds it
"""

from aiplus_kg.defaults import VERSION
from aiplus_kg.knowledge_graph import KnowledgeGraph

__version__ = VERSION

__all__ = ["KnowledgeGraph", "__version__"]
