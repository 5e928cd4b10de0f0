/* vigild.c: placeholder until the pipeline lands (same session). */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "vigild: not built yet\n");
	return 1;
}
