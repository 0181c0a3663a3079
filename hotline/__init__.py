"""The public side: finding an organisation, the two forms, the receipt and the
reporter's way back."""
