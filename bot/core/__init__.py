"""The platform-neutral vocabulary: messages, clock, schedule arithmetic and text helpers."""
