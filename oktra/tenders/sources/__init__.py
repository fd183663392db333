"""Source adapters: each reads one kind of file into notices or rejections."""
