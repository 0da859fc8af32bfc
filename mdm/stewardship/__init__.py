"""The data steward's match-candidate queue: priorities, claims, decisions and four-eyes."""
