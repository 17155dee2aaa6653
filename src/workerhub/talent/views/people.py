"""(being written)"""

urls = []
