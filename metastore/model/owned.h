/*
 * owned.h: what a plain struct owns, written once as data. A struct's table
 * lists each member it owns (a string, a container, a nested struct) with
 * the function that releases it and, for deep copies, the one that copies
 * it; ms_owned_clear, ms_owned_free and ms_owned_copy then serve every such
 * struct instead of a hand-written list per struct.
 *
 * A member is read as a pointer (char *, GPtrArray *, GHashTable *, a
 * struct pointer); a NULL member is left alone by the release functions.
 * Usable from any layer (store/ and main.c use it for their value buffers).
 */
#pragma once
#include <glib.h>

/* Copies a member's value; must accept NULL (g_strdup does). */
typedef gpointer (*MsOwnedCopy) (gconstpointer src);

typedef struct {
  glong offset;          /* G_STRUCT_OFFSET of the member */
  GDestroyNotify free;   /* releases a non-NULL value */
  MsOwnedCopy copy;      /* NULL: ms_owned_copy leaves the member alone */
} MsOwned;

#define MS_OWNED(type, member, free_fn, copy_fn) \
  { G_STRUCT_OFFSET (type, member), (GDestroyNotify) (free_fn), (MsOwnedCopy) (copy_fn) }
/* A string member: g_free, copied with g_strdup. */
#define MS_OWNED_STR(type, member) MS_OWNED (type, member, g_free, g_strdup)

/* Release every member 'owned' lists of 'obj' and set it to NULL; 'obj'
 * itself stays (for structs on the stack: g_auto clear functions). */
void ms_owned_clear (gpointer obj, const MsOwned *owned, gsize n);
/* NULL-safe: ms_owned_clear, then g_free (obj). */
void ms_owned_free (gpointer obj, const MsOwned *owned, gsize n);
/* For each member with a copy function: release dst's value (a new
 * struct's default) and store a copy of src's. Plain members are the
 * caller's to copy. */
void ms_owned_copy (gpointer dst, gconstpointer src, const MsOwned *owned, gsize n);

#define MS_OWNED_CLEAR(obj, table) ms_owned_clear ((obj), (table), G_N_ELEMENTS (table))
#define MS_OWNED_FREE(obj, table) ms_owned_free ((obj), (table), G_N_ELEMENTS (table))
#define MS_OWNED_COPY(dst, src, table) ms_owned_copy ((dst), (src), (table), G_N_ELEMENTS (table))

/* Define 'void func (type *obj)' freeing (or, for _CLEAR, clearing) an
 * object by its table, as G_DEFINE_AUTOPTR_CLEANUP_FUNC defines a cleanup. */
#define MS_OWNED_DEFINE_FREE(type, func, table) \
  void func (type *obj) { ms_owned_free (obj, (table), G_N_ELEMENTS (table)); }
#define MS_OWNED_DEFINE_CLEAR(type, func, table) \
  static void func (type *obj) { ms_owned_clear (obj, (table), G_N_ELEMENTS (table)); }
