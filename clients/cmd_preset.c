/*
 * cmd_preset.c - radioctl preset list|save|load|delete.
 */
#include "clients/ctl.h"

#include <string.h>

#define PRESET_NAME_MAX 64	/* radio.proto */

static const char preset_synopsis[] = "preset [list|save|load|delete] [NAME]";
static const char preset_help[] =
	"  preset [list]          every preset, sorted by name; '*' marks the active one\n"
	"  preset save NAME       keep the current EQ (bands and preamp) as NAME,\n"
	"                         replacing a preset of that name; it becomes active\n"
	"  preset load NAME       apply preset NAME (click-free) and print the EQ\n"
	"  preset delete NAME     forget preset NAME\n"
	"\n"
	"A NAME is 1 .. 64 characters of A-Z a-z 0-9, space, '.', '_' and '-', not\n"
	"starting with '.'; quote one with spaces, and put '--' before one starting\n"
	"with '-'. radiod keeps at most 64 presets, in its state directory, across\n"
	"restarts. A preset stays active until a band or the preamp is changed by\n"
	"hand; the bypass switch and the volume are not part of a preset.\n"
	"\n"
	"Example: radioctl preset save 'late night' && radioctl preset load jazz\n";

/* The rule radiod applies, checked here so a bad name never reaches it. */
static int check_name(struct ctl *ctl, const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > PRESET_NAME_MAX)
		return ctl_fail(ctl, CTL_USAGE, "%s: a preset name has 1 .. %d characters",
				ctl->command, PRESET_NAME_MAX);
	if (name[0] == '.')
		return ctl_fail(ctl, CTL_USAGE, "%s: a preset name must not start with '.'",
				ctl->command);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == ' ' || c == '.' || c == '_' || c == '-'))
			return ctl_fail(ctl, CTL_USAGE, "%s: a preset name may hold only A-Z a-z "
					"0-9, space, '.', '_' and '-' (character %zu is not one)",
					ctl->command, i + 1);
	}
	return CTL_OK;
}

/* Parses "SUB NAME" (the global options anywhere); --help prints help. */
static int parse_name(struct ctl *ctl, int argc, char **argv, const char *synopsis,
		      const char *help, const char **name, bool *helped)
{
	struct ctl_args a = { argc, argv, 1, false };
	const char *val;
	int r;

	*name = NULL;
	*helped = false;
	while ((r = ctl_next_arg(ctl, &a, NULL, &val)) != CTL_ARG_END) {
		if (r == CTL_ARG_HELP) {
			*helped = true;
			return ctl_help(ctl, synopsis, help);
		}
		if (r == CTL_ARG_ERROR)
			return CTL_USAGE;
		if (*name)
			return ctl_unexpected(ctl, val);
		*name = val;
	}
	if (!*name)
		return ctl_fail(ctl, CTL_USAGE, "%s: which preset? (usage: radioctl %s)",
				ctl->command, synopsis);
	return check_name(ctl, *name);
}

static void print_presets(FILE *out, const Radio__Presets *p)
{
	int width = 4;

	if (p->n_preset == 0) {
		fputs("no presets\n", out);
		return;
	}
	for (size_t i = 0; i < p->n_preset; i++) {
		int len = p->preset[i]->name ? (int)strlen(p->preset[i]->name) : 0;

		if (len > width)
			width = len;
	}
	for (size_t i = 0; i < p->n_preset; i++) {
		const Radio__Preset *x = p->preset[i];
		const char *name = x->name ? x->name : "";
		bool active = p->active && strcmp(p->active, name) == 0;

		fprintf(out, "%c %-*s  %2zu bands", active ? '*' : ' ', width, name,
			x->eq ? x->eq->n_band : 0);
		if (x->eq && x->eq->has_preamp_db)
			fprintf(out, ", preamp %+.1f dB", x->eq->preamp_db);
		fputc('\n', out);
	}
}

static int preset_list(struct ctl *ctl, int argc, char **argv)
{
	Radio__Reply *reply;
	bool helped;
	int r = ctl_args_none(ctl, argc, argv, "preset list",
			      "Lists the presets radiod keeps, sorted by name, with their band\n"
			      "count and preamp; '*' marks the active one.\n", &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_list_presets(ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if (ctl->json)
		ctl_json_message(ctl->out, &reply->presets->base);
	else
		print_presets(ctl->out, reply->presets);
	radioclient_reply_free(reply);
	return CTL_OK;
}

static int preset_save(struct ctl *ctl, int argc, char **argv)
{
	const char *name;
	bool helped;
	int r = parse_name(ctl, argc, argv, "preset save NAME",
			   "Keeps the current EQ's bands and preamp as preset NAME (replacing\n"
			   "one of that name) and makes it the active preset. radiod has it on\n"
			   "disk when this returns.\n", &name, &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_save_preset(ctl->rc, name, NULL);
	if (r < 0)
		return ctl_client_error(ctl, r);
	ctl_json_empty(ctl);
	return CTL_OK;
}

static int preset_load(struct ctl *ctl, int argc, char **argv)
{
	Radio__Reply *reply;
	const char *name;
	bool helped;
	int r = parse_name(ctl, argc, argv, "preset load NAME",
			   "Applies preset NAME click-free (the bypass switch stays as it is),\n"
			   "makes it the active preset, and prints the EQ now in use.\n", &name,
			   &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_load_preset(ctl->rc, name, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if (ctl->json)
		ctl_json_message(ctl->out, &reply->eq->base);
	else
		ctl_print_eq(ctl->out, reply->eq);
	radioclient_reply_free(reply);
	return CTL_OK;
}

static int preset_delete(struct ctl *ctl, int argc, char **argv)
{
	const char *name;
	bool helped;
	int r = parse_name(ctl, argc, argv, "preset delete NAME",
			   "Forgets preset NAME; if it was active, no preset is active after.\n",
			   &name, &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_delete_preset(ctl->rc, name, NULL);
	if (r < 0)
		return ctl_client_error(ctl, r);
	ctl_json_empty(ctl);
	return CTL_OK;
}

int cmd_preset(struct ctl *ctl, int argc, char **argv)
{
	static const struct {
		const char *name, *command;
		int (*run)(struct ctl *, int, char **);
	} subs[] = {
		{ "list", "preset list", preset_list },
		{ "save", "preset save", preset_save },
		{ "load", "preset load", preset_load },
		{ "delete", "preset delete", preset_delete },
	};
	struct ctl_args a = { argc, argv, 1, false };
	const char *val;
	int r;

	/* Global options may come before the subcommand: ctl_next_arg takes them. */
	r = ctl_next_arg(ctl, &a, NULL, &val);
	if (r == CTL_ARG_HELP)
		return ctl_help(ctl, preset_synopsis, preset_help);
	if (r == CTL_ARG_ERROR)
		return CTL_USAGE;
	if (r == CTL_ARG_END) {
		ctl->command = "preset list";
		return preset_list(ctl, 1, argv);
	}
	for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
		if (strcmp(val, subs[k].name) == 0) {
			ctl->command = subs[k].command;
			return subs[k].run(ctl, argc - (a.next - 1), argv + a.next - 1);
		}
	}
	return ctl_fail(ctl, CTL_USAGE, "preset: no subcommand '%s' (list, save, load, delete)",
			val);
}
