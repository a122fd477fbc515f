"""Lantern's words: source documents as YAML data, validated by pydantic models at start-up."""

from content.loader import Content, ContentError, default_content, load_content

__all__ = ["Content", "ContentError", "default_content", "load_content"]
