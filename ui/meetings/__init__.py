"""会议记录: the meetings screen (calendar, list, the minutes in five steps) and the 四议两公开 board."""
