"""Staff pages, one module per area; views stay thin (rules live in services and selectors)."""
