"""The public, anonymous side: finding an organisation, the two forms, the receipt portal."""
