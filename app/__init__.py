"""A bilingual (Persian/English) study assistant for one paper: Ghourchi & Kavianirad,
«بررسی همخوانی دیپلماسی شهری با سیاست خارجی جمهوری اسلامی ایران؛ مطالعه موردی: خواهرشهرهای کلان‌شهر تهران»."""
