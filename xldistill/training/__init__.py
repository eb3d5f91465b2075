"""The one training loop and the loss functions every model shares."""
