/* The compiled twin of the tokenizer walk (geonotice/inject/tokenizer.py).
 *
 * walk(buf, pos, state, interest) -> Event follows the same WHATWG tokenizer states as the Python
 * walk, byte by byte instead of pattern by pattern, and reports the same events, holds the same
 * bytes and leaves the same state; the module docstring of tokenizer.py is the contract, and the
 * property tests run every case against both walks. What is shared is read from tokenizer.py when
 * this module is imported (the raw-text element names, MAX_COMMENT, Event, EventKind), so the two
 * cannot drift apart on data.
 *
 * Safety: every read of the buffer is guarded by its length, and the only positions taken from
 * the caller (pos, and state.start of a cut tag) are checked before use. The walk calls no Python
 * code while it holds a pointer into the buffer, so the buffer cannot change under it. The state
 * is a fixed-size struct: what is held back between calls is the caller's, bounded by its
 * MAX_HELD.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define HAVE_SSE2 1
#endif

/* The tokenizer's modes and tag states: the values of tokenizer.Mode and tokenizer.TagState. */
enum { M_DATA, M_RAW_TEXT, M_COMMENT, M_BOGUS_COMMENT, M_CDATA, M_PLAINTEXT, M_TAG };
enum {
    T_TAG_NAME,
    T_BEFORE_ATTRIBUTE_NAME,
    T_ATTRIBUTE_NAME,
    T_AFTER_ATTRIBUTE_NAME,
    T_BEFORE_ATTRIBUTE_VALUE,
    T_ATTRIBUTE_VALUE_UNQUOTED,
    T_ATTRIBUTE_VALUE_DOUBLE_QUOTED,
    T_ATTRIBUTE_VALUE_SINGLE_QUOTED,
};
enum { K_MORE, K_START_TAG, K_END_TAG, K_COMMENT };

/* Byte classes, one table lookup per byte in the runs of a tag. */
#define C_SPACE 1      /* \t \n \f \r and space */
#define C_NAME_STOP 2  /* ends a tag name: space, "/", ">" */
#define C_ATTR_STOP 4  /* ends an attribute name: space, "/", "=", ">" */
#define C_VALUE_STOP 8 /* ends an unquoted value: space, ">" */
#define C_GAP 16       /* between attributes: space, "/" */
#define C_ALPHA 32     /* an ASCII letter */
static unsigned char byte_class[256];
static unsigned char lower[256];

#define N_RAW 9
static PyObject *raw_names;       /* tokenizer.RAW_TEXT_NAMES: a tuple of N_RAW bytes */
static Py_ssize_t max_comment;    /* tokenizer.MAX_COMMENT */
static PyTypeObject *event_type;  /* tokenizer.Event, a tuple subclass */
static PyObject *kinds[4];        /* the EventKind members, in value order */
static PyObject *empty_bytes;

/* -- the compiled interest ------------------------------------------------------------------ */

typedef struct {
    const unsigned char *s;
    Py_ssize_t n;
    PyObject *obj; /* borrowed from the plan's keep list */
} Name;

typedef struct {
    Name tag; /* empty: any tag */
    Name name;
    Name value;
    int has_value;
} Test;

typedef struct {
    PyObject_HEAD
    PyObject *keep; /* a list holding every bytes object the names point into */
    Name *starts;
    Py_ssize_t n_starts;
    Name *ends;
    Py_ssize_t n_ends;
    Test *tests;
    Py_ssize_t n_tests;
    Name keyword;
    int any_tag_tests;             /* some test applies to every tag */
    /* The names that may matter, by first byte: a bit per length (31: longer), so that an ordinary
     * tag is told apart with one lookup. */
    uint32_t start_lengths[256];
    uint32_t end_lengths[256];
} PlanObject;

static void
plan_dealloc(PlanObject *self)
{
    PyMem_Free(self->starts);
    PyMem_Free(self->ends);
    PyMem_Free(self->tests);
    Py_XDECREF(self->keep);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject PlanType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "geonotice.inject._speedups._Plan",
    .tp_basicsize = sizeof(PlanObject),
    .tp_dealloc = (destructor)plan_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

static uint32_t
length_bit(Py_ssize_t n)
{
    return (uint32_t)1 << (n < 31 ? n : 31);
}

static void
mark_name(uint32_t *lengths, const unsigned char *name, Py_ssize_t n)
{
    if (n)
        lengths[lower[name[0]]] |= length_bit(n);
}

/* Whether a tag name may be one of the names marked in ``lengths`` (its first byte and length). */
static inline int
may_be_named(const uint32_t *lengths, const unsigned char *name, Py_ssize_t n)
{
    return n && (lengths[lower[name[0]]] & length_bit(n));
}

static int
bytes_name(PlanObject *plan, PyObject *obj, Name *name, const char *what)
{
    if (!PyBytes_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be bytes, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyList_Append(plan->keep, obj) < 0)
        return -1;
    name->s = (const unsigned char *)PyBytes_AS_STRING(obj);
    name->n = PyBytes_GET_SIZE(obj);
    name->obj = obj;
    return 0;
}

/* The names of a frozenset of bytes, as an array the plan owns. */
static int
name_set(PlanObject *plan, PyObject *interest, const char *field, Name **out, Py_ssize_t *count)
{
    PyObject *set = PyObject_GetAttrString(interest, field);
    if (set == NULL)
        return -1;
    PyObject *items = PySequence_Fast(set, "Interest name sets must be iterable");
    Py_DECREF(set);
    if (items == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    *out = PyMem_Calloc(n ? n : 1, sizeof(Name));
    if (*out == NULL) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (bytes_name(plan, PySequence_Fast_GET_ITEM(items, i), &(*out)[i], field) < 0) {
            Py_DECREF(items);
            return -1;
        }
    }
    *count = n;
    Py_DECREF(items);
    return 0;
}

static int
plan_tests(PlanObject *plan, PyObject *interest)
{
    PyObject *set = PyObject_GetAttrString(interest, "start_attributes");
    if (set == NULL)
        return -1;
    PyObject *items = PySequence_Fast(set, "Interest.start_attributes must be iterable");
    Py_DECREF(set);
    if (items == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    plan->tests = PyMem_Calloc(n ? n : 1, sizeof(Test));
    if (plan->tests == NULL) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *test = PySequence_Fast_GET_ITEM(items, i);
        Test *t = &plan->tests[i];
        if (!PyTuple_Check(test) || PyTuple_GET_SIZE(test) != 3) {
            PyErr_SetString(PyExc_TypeError, "an attribute test must be a (tag, name, value) tuple");
            Py_DECREF(items);
            return -1;
        }
        if (bytes_name(plan, PyTuple_GET_ITEM(test, 0), &t->tag, "a test's tag") < 0
            || bytes_name(plan, PyTuple_GET_ITEM(test, 1), &t->name, "a test's name") < 0) {
            Py_DECREF(items);
            return -1;
        }
        PyObject *value = PyTuple_GET_ITEM(test, 2);
        t->has_value = value != Py_None;
        if (t->has_value && bytes_name(plan, value, &t->value, "a test's value") < 0) {
            Py_DECREF(items);
            return -1;
        }
        if (t->tag.n == 0)
            plan->any_tag_tests = 1;
        else
            mark_name(plan->start_lengths, t->tag.s, t->tag.n);
    }
    plan->n_tests = n;
    Py_DECREF(items);
    return 0;
}

static PlanObject *
plan_new(PyObject *interest)
{
    PlanObject *plan = PyObject_New(PlanObject, &PlanType);
    if (plan == NULL)
        return NULL;
    plan->keep = PyList_New(0);
    plan->starts = plan->ends = NULL;
    plan->tests = NULL;
    plan->n_starts = plan->n_ends = plan->n_tests = 0;
    plan->keyword.s = NULL;
    plan->keyword.n = 0;
    plan->keyword.obj = NULL;
    plan->any_tag_tests = 0;
    memset(plan->start_lengths, 0, sizeof plan->start_lengths);
    memset(plan->end_lengths, 0, sizeof plan->end_lengths);
    if (plan->keep == NULL)
        goto fail;
    if (name_set(plan, interest, "start_names", &plan->starts, &plan->n_starts) < 0
        || name_set(plan, interest, "end_names", &plan->ends, &plan->n_ends) < 0
        || plan_tests(plan, interest) < 0)
        goto fail;
    PyObject *keyword = PyObject_GetAttrString(interest, "comment_keyword");
    if (keyword == NULL)
        goto fail;
    int bad = bytes_name(plan, keyword, &plan->keyword, "Interest.comment_keyword");
    Py_DECREF(keyword);
    if (bad < 0)
        goto fail;
    /* A start tag matters when its name may be one of these. */
    for (Py_ssize_t i = 0; i < plan->n_starts; i++)
        mark_name(plan->start_lengths, plan->starts[i].s, plan->starts[i].n);
    for (Py_ssize_t i = 0; i < N_RAW; i++) {
        PyObject *raw = PyTuple_GET_ITEM(raw_names, i);
        mark_name(plan->start_lengths, (const unsigned char *)PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw));
    }
    mark_name(plan->start_lengths, (const unsigned char *)"plaintext", 9);
    mark_name(plan->start_lengths, (const unsigned char *)"template", 8);
    for (Py_ssize_t i = 0; i < plan->n_ends; i++)
        mark_name(plan->end_lengths, plan->ends[i].s, plan->ends[i].n);
    mark_name(plan->end_lengths, (const unsigned char *)"template", 8);
    return plan;
fail:
    Py_DECREF(plan);
    return NULL;
}

/* Compiled interests, by identity (the scanner keeps one object per interest): a small ring. */
#define PLAN_CACHE 64
static PyObject *cached_interest[PLAN_CACHE];
static PlanObject *cached_plan[PLAN_CACHE];
static int cache_next;

static PlanObject *
plan_for(PyObject *interest)
{
    for (int i = 0; i < PLAN_CACHE; i++)
        if (cached_interest[i] == interest)
            return cached_plan[i];
    PlanObject *plan = plan_new(interest);
    if (plan == NULL)
        return NULL;
    int slot = cache_next;
    cache_next = (cache_next + 1) % PLAN_CACHE;
    Py_XDECREF(cached_interest[slot]);
    Py_XDECREF(cached_plan[slot]);
    Py_INCREF(interest);
    cached_interest[slot] = interest;
    cached_plan[slot] = plan; /* the cache's reference */
    return plan;
}

/* -- the state ------------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    int mode;
    int raw; /* index into RAW_TEXT_NAMES, -1 before any */
    int tag;
    int end_tag;
    Py_ssize_t start;
    Py_ssize_t resume;
    Py_ssize_t template_depth;
    Py_ssize_t examined;
    PyObject *wanted; /* the interest last walked with, and its plan */
    PlanObject *plan;
} StateObject;

static PyObject *
state_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) || (kwargs != NULL && PyDict_GET_SIZE(kwargs))) {
        PyErr_SetString(PyExc_TypeError, "TokenizerState() takes no arguments");
        return NULL;
    }
    StateObject *self = (StateObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->mode = M_DATA;
    self->raw = -1;
    self->tag = T_TAG_NAME;
    self->end_tag = 0;
    self->start = self->resume = self->template_depth = self->examined = 0;
    self->wanted = NULL;
    self->plan = NULL;
    return (PyObject *)self;
}

static void
state_dealloc(StateObject *self)
{
    Py_XDECREF(self->wanted);
    Py_XDECREF(self->plan);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
state_shift(StateObject *self, PyObject *arg)
{
    Py_ssize_t by = PyLong_AsSsize_t(arg);
    if (by == -1 && PyErr_Occurred())
        return NULL;
    self->start -= by;
    self->resume -= by;
    Py_RETURN_NONE;
}

static PyObject *
state_get_raw(StateObject *self, void *closure)
{
    PyObject *raw = self->raw < 0 ? empty_bytes : PyTuple_GET_ITEM(raw_names, self->raw);
    return Py_NewRef(raw);
}

static PyObject *
state_get_end_tag(StateObject *self, void *closure)
{
    return PyBool_FromLong(self->end_tag);
}

static PyMethodDef state_methods[] = {
    {"shift", (PyCFunction)state_shift, METH_O,
     "The caller dropped the first ``by`` bytes of the buffer: move the held indexes."},
    {NULL},
};

static PyMemberDef state_members[] = {
    {"mode", T_INT, offsetof(StateObject, mode), READONLY, "a tokenizer.Mode value"},
    {"tag", T_INT, offsetof(StateObject, tag), READONLY, "a tokenizer.TagState value"},
    {"start", T_PYSSIZET, offsetof(StateObject, start), READONLY, NULL},
    {"resume", T_PYSSIZET, offsetof(StateObject, resume), READONLY, NULL},
    {"template_depth", T_PYSSIZET, offsetof(StateObject, template_depth), READONLY, NULL},
    {"examined", T_PYSSIZET, offsetof(StateObject, examined), READONLY, NULL},
    {NULL},
};

static PyGetSetDef state_getset[] = {
    {"raw", (getter)state_get_raw, NULL, "the raw-text element being read", NULL},
    {"end_tag", (getter)state_get_end_tag, NULL, "whether the cut tag is an end tag", NULL},
    {NULL},
};

static PyTypeObject StateType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "geonotice.inject._speedups.TokenizerState",
    .tp_doc = "The tokenizer's state between calls of walk (see tokenizer.TokenizerState).",
    .tp_basicsize = sizeof(StateObject),
    .tp_dealloc = (destructor)state_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = state_new,
    .tp_methods = state_methods,
    .tp_members = state_members,
    .tp_getset = state_getset,
};

/* -- the walk ------------------------------------------------------------------------------- */

typedef struct {
    const unsigned char *b;
    Py_ssize_t n;
    Py_ssize_t entry;
    StateObject *st;
    PlanObject *plan;
} Walk;

/* What a step returns besides a position: an event was built, or the walk must stop. */
#define R_EVENT (-1)      /* *event is set */
#define R_INCOMPLETE (-2) /* a construct too short to tell: hold it from its "<" */
#define R_CUT (-3)        /* a tag cut by the end: hold it from state.start */
#define R_ERROR (-4)      /* a Python exception is set */

static PyObject *
new_event(int kind, Py_ssize_t start, Py_ssize_t end, PyObject *name, Py_ssize_t inner_start,
          Py_ssize_t inner_end)
{
    /* Event is a NamedTuple: a tuple subclass with no fields of its own, filled as tuple.__new__
     * fills it, without the Python-level __new__ of the named tuple. */
    PyObject *event = event_type->tp_alloc(event_type, 6);
    if (event == NULL)
        return NULL;
    PyObject *items[6] = {
        Py_NewRef(kinds[kind]), PyLong_FromSsize_t(start), PyLong_FromSsize_t(end),
        Py_NewRef(name), PyLong_FromSsize_t(inner_start), PyLong_FromSsize_t(inner_end),
    };
    for (int i = 0; i < 6; i++) {
        if (items[i] == NULL) {
            for (int j = 0; j < 6; j++)
                Py_XDECREF(items[j]);
            Py_DECREF(event);
            return NULL;
        }
    }
    for (int i = 0; i < 6; i++)
        PyTuple_SET_ITEM(event, i, items[i]);
    return event;
}

static PyObject *
more(Walk *w, Py_ssize_t hold, Py_ssize_t resume)
{
    /* Everything up to the end was looked at; what is held is looked at again from resume. */
    w->st->resume = resume;
    w->st->examined += w->n - w->entry;
    return new_event(K_MORE, hold, w->n, empty_bytes, 0, 0);
}

static int
same_lower(const unsigned char *text, const unsigned char *name, Py_ssize_t n)
{
    /* ``text`` lowercased equals ``name`` (lowercase), ASCII only, as bytes.lower() does. */
    for (Py_ssize_t i = 0; i < n; i++)
        if (lower[text[i]] != name[i])
            return 0;
    return 1;
}

static int
same_folded(const unsigned char *a, const unsigned char *b, Py_ssize_t n)
{
    /* Equal in ASCII case folding, as a bytes pattern compiled with re.I compares. */
    for (Py_ssize_t i = 0; i < n; i++)
        if (lower[a[i]] != lower[b[i]])
            return 0;
    return 1;
}

static const Name *
find_name(const Name *names, Py_ssize_t count, const unsigned char *text, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < count; i++)
        if (names[i].n == n && same_lower(text, names[i].s, n))
            return &names[i];
    return NULL;
}

static int
is_named(const unsigned char *text, Py_ssize_t n, const char *name)
{
    Py_ssize_t len = (Py_ssize_t)strlen(name);
    return n == len && same_lower(text, (const unsigned char *)name, n);
}

static int
raw_index(const unsigned char *text, Py_ssize_t n)
{
    for (int i = 0; i < N_RAW; i++) {
        PyObject *name = PyTuple_GET_ITEM(raw_names, i);
        if (PyBytes_GET_SIZE(name) == n && same_lower(text, (const unsigned char *)PyBytes_AS_STRING(name), n))
            return i;
    }
    return -1;
}

/* The tag from ``i`` in tag state ``*tag``: the index after its ">", or -1 when the buffer ends
 * first (``*tag`` then says where). ``name_end``, if given, gets the end of the tag name run
 * (meaningful when the walk starts at the name). */
static Py_ssize_t
advance(const unsigned char *b, Py_ssize_t i, Py_ssize_t n, int *tag, Py_ssize_t *name_end)
{
    int state = *tag;
    const unsigned char *found;
    for (;;) {
        unsigned char c;
        switch (state) {
        case T_TAG_NAME:
            while (i < n && !(byte_class[b[i]] & C_NAME_STOP))
                i++;
            if (name_end != NULL)
                *name_end = i;
            if (i >= n)
                goto cut;
            if (b[i] == '>')
                return i + 1;
            state = T_BEFORE_ATTRIBUTE_NAME; /* white space, or "/" */
            i++;
            break;
        case T_BEFORE_ATTRIBUTE_NAME:
            while (i < n && (byte_class[b[i]] & C_GAP))
                i++;
            if (i >= n)
                goto cut;
            if (b[i] == '>')
                return i + 1;
            state = T_ATTRIBUTE_NAME; /* its first byte may be "=" */
            i++;
            break;
        case T_ATTRIBUTE_NAME:
            while (i < n && !(byte_class[b[i]] & C_ATTR_STOP))
                i++;
            goto after_name;
        case T_AFTER_ATTRIBUTE_NAME:
            while (i < n && (byte_class[b[i]] & C_SPACE))
                i++;
        after_name:
            if (i >= n)
                goto cut;
            c = b[i];
            if (c == '>')
                return i + 1;
            /* After a name: white space leads to "after attribute name"; after that, any other
             * byte starts a new attribute. */
            state = c == '=' ? T_BEFORE_ATTRIBUTE_VALUE
                  : c == '/' ? T_BEFORE_ATTRIBUTE_NAME
                  : (byte_class[c] & C_SPACE) ? T_AFTER_ATTRIBUTE_NAME
                                              : T_ATTRIBUTE_NAME;
            i++;
            break;
        case T_BEFORE_ATTRIBUTE_VALUE:
            while (i < n && (byte_class[b[i]] & C_SPACE))
                i++;
            if (i >= n)
                goto cut;
            c = b[i];
            if (c == '>')
                return i + 1;
            if (c == '"') {
                state = T_ATTRIBUTE_VALUE_DOUBLE_QUOTED;
                i++;
            }
            else if (c == '\'') {
                state = T_ATTRIBUTE_VALUE_SINGLE_QUOTED;
                i++;
            }
            else
                state = T_ATTRIBUTE_VALUE_UNQUOTED; /* the byte starts the value */
            break;
        case T_ATTRIBUTE_VALUE_UNQUOTED:
            while (i < n && !(byte_class[b[i]] & C_VALUE_STOP))
                i++;
            if (i >= n)
                goto cut;
            if (b[i] == '>')
                return i + 1;
            state = T_BEFORE_ATTRIBUTE_NAME;
            i++;
            break;
        default: /* quoted values: ">" is text in them */
            found = memchr(b + i, state == T_ATTRIBUTE_VALUE_DOUBLE_QUOTED ? '"' : '\'', (size_t)(n - i));
            if (found == NULL) {
                i = n;
                goto cut;
            }
            i = found - b + 1;
            state = T_BEFORE_ATTRIBUTE_NAME;
            break;
        }
    }
cut:
    *tag = state;
    return -1;
}

/* Whether ``v`` may be held by the value that starts at ``j`` (the part of a test after its
 * "="), as the Python twin's guard pattern reads it: some position of the value, before any
 * quote of its kind or "&", starts ``v``, or the value holds "&" (a character reference may
 * decode to it). ``end`` bounds every read: the tag's end. */
static int
value_may_hold(const unsigned char *b, Py_ssize_t j, Py_ssize_t end, const Name *v)
{
    unsigned char quote = 0;
    if (j < end && (b[j] == '"' || b[j] == '\'')) {
        quote = b[j];
        j++;
    }
    for (Py_ssize_t i = j;; i++) {
        if (i + v->n <= end && same_folded(b + i, v->s, v->n))
            return 1;
        if (i >= end)
            return 0;
        unsigned char c = b[i];
        if (c == '&')
            return 1;
        if (quote ? c == quote : (c == '>' || (byte_class[c] & C_SPACE)))
            return 0;
    }
}

static int
test_passes(const unsigned char *b, Py_ssize_t a, Py_ssize_t end, const Test *t)
{
    if (a + t->name.n > end || !same_folded(b + a, t->name.s, t->name.n))
        return 0;
    Py_ssize_t j = a + t->name.n;
    if (!t->has_value)
        return j < end && (byte_class[b[j]] & C_ATTR_STOP);
    while (j < end && (byte_class[b[j]] & C_SPACE))
        j++;
    if (j >= end || b[j] != '=')
        return 0;
    j++;
    while (j < end && (byte_class[b[j]] & C_SPACE))
        j++;
    return value_may_hold(b, j, end, &t->value);
}

/* Whether an attribute of the complete start tag ``b[name_end - len(name) - 1:end]`` may pass one
 * of the tests that apply to a tag named ``name``: each attribute is tried where its name starts. */
static int
may_pass(const PlanObject *plan, const unsigned char *b, Py_ssize_t name_start, Py_ssize_t name_end,
         Py_ssize_t end)
{
    Py_ssize_t name_len = name_end - name_start;
    int any = 0;
    for (Py_ssize_t k = 0; k < plan->n_tests; k++) {
        const Test *t = &plan->tests[k];
        if (t->tag.n == 0 || (t->tag.n == name_len && same_folded(b + name_start, t->tag.s, name_len))) {
            any = 1;
            break;
        }
    }
    if (!any)
        return 0;
    Py_ssize_t i = name_end;
    for (;;) {
        while (i < end && (byte_class[b[i]] & C_GAP))
            i++;
        if (i >= end || b[i] == '>')
            return 0;
        for (Py_ssize_t k = 0; k < plan->n_tests; k++) {
            const Test *t = &plan->tests[k];
            int applies = t->tag.n == 0 || (t->tag.n == name_len && same_folded(b + name_start, t->tag.s, name_len));
            if (applies && test_passes(b, i, end, t))
                return 1;
        }
        i++; /* the first byte of a name may be "=" */
        while (i < end && !(byte_class[b[i]] & C_ATTR_STOP))
            i++;
        Py_ssize_t j = i;
        while (j < end && (byte_class[b[j]] & C_SPACE))
            j++;
        if (j >= end || b[j] != '=')
            continue; /* no value: white space, "/" or ">" follows */
        j++;
        while (j < end && (byte_class[b[j]] & C_SPACE))
            j++;
        if (j < end && (b[j] == '"' || b[j] == '\'')) {
            const unsigned char *close = memchr(b + j + 1, b[j], (size_t)(end - j - 1));
            i = close == NULL ? end : close - b + 1;
        }
        else {
            i = j;
            while (i < end && !(byte_class[b[i]] & C_VALUE_STOP))
                i++;
        }
    }
}

/* A whole tag ``b[start:end]``: the tokenizer's and tree builder's switches, and its event. */
static Py_ssize_t
complete(Walk *w, Py_ssize_t start, Py_ssize_t end, Py_ssize_t name_end, PyObject **event)
{
    const unsigned char *b = w->b;
    StateObject *st = w->st;
    const PlanObject *plan = w->plan;
    int end_tag = b[start + 1] == '/';
    Py_ssize_t name_start = start + (end_tag ? 2 : 1);
    if (name_end < 0) { /* a resumed tag: its name is read once, now */
        name_end = name_start;
        while (name_end < end && !(byte_class[b[name_end]] & C_NAME_STOP))
            name_end++;
        st->examined += name_end - name_start;
    }
    const unsigned char *name = b + name_start;
    Py_ssize_t len = name_end - name_start;
    Py_ssize_t depth = st->template_depth;
    if (end_tag) {
        if (!may_be_named(plan->end_lengths, name, len))
            return end;
        if (is_named(name, len, "template")) {
            if (depth)
                st->template_depth = depth - 1;
            return end;
        }
        const Name *found = depth == 0 ? find_name(plan->ends, plan->n_ends, name, len) : NULL;
        if (found == NULL)
            return end;
        *event = new_event(K_END_TAG, start, end, found->obj, 0, 0);
        return *event == NULL ? R_ERROR : R_EVENT;
    }
    if (!may_be_named(plan->start_lengths, name, len) && !plan->any_tag_tests)
        return end; /* the common case: an ordinary tag */
    int raw = raw_index(name, len);
    if (raw >= 0) {
        st->mode = M_RAW_TEXT;
        st->raw = raw;
    }
    else if (is_named(name, len, "plaintext"))
        st->mode = M_PLAINTEXT;
    else if (is_named(name, len, "template")) {
        st->template_depth = depth + 1;
        return end;
    }
    if (depth != 0)
        return end;
    const Name *found = find_name(plan->starts, plan->n_starts, name, len);
    if (found == NULL && !(plan->n_tests && may_pass(plan, b, name_start, name_end, end)))
        return end;
    PyObject *lowered;
    if (found != NULL)
        lowered = Py_NewRef(found->obj);
    else {
        lowered = PyBytes_FromStringAndSize(NULL, len);
        if (lowered == NULL)
            return R_ERROR;
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(lowered);
        for (Py_ssize_t i = 0; i < len; i++)
            out[i] = lower[name[i]];
    }
    *event = new_event(K_START_TAG, start, end, lowered, name_end, end - 1);
    Py_DECREF(lowered);
    return *event == NULL ? R_ERROR : R_EVENT;
}

/* The first index in [i, n) that holds ``a`` or ``b``, or n: 16 bytes at a time where SSE2 is. */
static inline Py_ssize_t
find_either(const unsigned char *b, Py_ssize_t i, Py_ssize_t n, unsigned char a, unsigned char c)
{
#ifdef HAVE_SSE2
    const __m128i va = _mm_set1_epi8((char)a), vc = _mm_set1_epi8((char)c);
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(b + i));
        int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vc)));
        if (hits)
            return i + __builtin_ctz((unsigned)hits);
        i += 16;
    }
#endif
    while (i < n && b[i] != a && b[i] != c)
        i++;
    return i;
}

/* The end of the tag whose name starts at ``i``: the index after its ">", or -1 when the buffer
 * ends first (the caller then walks it state by state, to know where it was cut). The same
 * tokenizer states as ``advance``, leaping from "=" to "=": between two of them there are only
 * attribute names, white space and "/", and one value. A quote opens a value only right after
 * the "=" (and white space) that follows an attribute name; an "=" is that one unless nothing
 * but white space came since the last value or tag name (then it starts an attribute name), or
 * "/" came last (which ends the name before it). ``name_end`` gets the end of the tag name. */
static Py_ssize_t
skip_tag(const unsigned char *b, Py_ssize_t i, Py_ssize_t n, Py_ssize_t *name_end)
{
    while (i < n && !(byte_class[b[i]] & C_NAME_STOP))
        i++;
    *name_end = i;
    if (i >= n)
        return -1;
    if (b[i] == '>')
        return i + 1;
    i++; /* white space or "/": before an attribute name */
    int in_name = 0; /* whether the stretch from i starts inside an attribute name */
    for (;;) {
        Py_ssize_t j = find_either(b, i, n, '=', '>');
        if (j >= n)
            return -1;
        if (b[j] == '>')
            return j + 1;
        Py_ssize_t k = j - 1;
        while (k >= i && (byte_class[b[k]] & C_SPACE))
            k--;
        if (k < i ? !in_name : b[k] == '/') {
            i = j + 1; /* the "=" starts an attribute name */
            in_name = 1;
            continue;
        }
        j++;
        while (j < n && (byte_class[b[j]] & C_SPACE))
            j++;
        if (j >= n)
            return -1;
        unsigned char c = b[j];
        if (c == '>')
            return j + 1;
        if (c == '"' || c == '\'') {
            j = find_either(b, j + 1, n, c, c);
            if (j >= n)
                return -1;
        }
        else {
            while (j < n && !(byte_class[b[j]] & C_VALUE_STOP))
                j++;
            if (j >= n)
                return -1;
            if (b[j] == '>')
                return j + 1;
        }
        i = j + 1;
        in_name = 0;
    }
}

/* A tag from its "<" at ``p``: complete, or cut (then walked on from state.tag next time). */
static Py_ssize_t
tag(Walk *w, Py_ssize_t p, int end_tag, PyObject **event)
{
    int state = T_TAG_NAME;
    Py_ssize_t name_end = -1;
    Py_ssize_t done = skip_tag(w->b, p + (end_tag ? 2 : 1), w->n, &name_end);
    if (done < 0) /* cut: where exactly, the tokenizer's states tell */
        done = advance(w->b, p + (end_tag ? 2 : 1), w->n, &state, &name_end);
    if (done < 0) {
        StateObject *st = w->st;
        st->examined += w->n - p; /* as the twin counts its failed whole-tag match */
        st->mode = M_TAG;
        st->tag = state;
        st->end_tag = end_tag;
        st->start = p;
        return R_CUT;
    }
    return complete(w, p, done, name_end, event);
}

/* The first "--" + ">" or "--!>" at or after ``pos``: its start, and its end in ``*end``. */
static Py_ssize_t
comment_end(const unsigned char *b, Py_ssize_t pos, Py_ssize_t n, Py_ssize_t *end)
{
    while (pos + 2 < n) {
        const unsigned char *dash = memchr(b + pos, '-', (size_t)(n - pos - 2));
        if (dash == NULL)
            return -1;
        Py_ssize_t i = dash - b;
        if (b[i + 1] == '-') {
            if (b[i + 2] == '>') {
                *end = i + 3;
                return i;
            }
            if (b[i + 2] == '!' && i + 3 < n && b[i + 3] == '>') {
                *end = i + 4;
                return i;
            }
        }
        pos = i + 1;
    }
    return -1;
}

static int
begins_with_keyword(const unsigned char *b, Py_ssize_t start, Py_ssize_t end, const Name *keyword,
                    int may_continue)
{
    /* The text b[start:end] after white space begins with the keyword (ASCII case-insensitive);
     * with may_continue, or is a beginning of it that more bytes may complete. */
    while (start < end && (byte_class[b[start]] & C_SPACE))
        start++;
    Py_ssize_t have = end - start < keyword->n ? end - start : keyword->n;
    if (!may_continue && have < keyword->n)
        return 0;
    return same_lower(b + start, keyword->s, have);
}

/* Markup at ``b[p] == "<"``, ``b[p + 1] == "!"``. */
static Py_ssize_t
bang(Walk *w, Py_ssize_t p, PyObject **event)
{
    const unsigned char *b = w->b;
    Py_ssize_t n = w->n;
    StateObject *st = w->st;
    Py_ssize_t have = n - p < 9 ? n - p : 9;
    if (have >= 4 && b[p + 2] == '-' && b[p + 3] == '-') {
        if (have >= 5 && b[p + 4] == '>')
            return p + 5;
        if (have >= 6 && b[p + 4] == '-' && b[p + 5] == '>')
            return p + 6;
        if (have == 4 || (have == 5 && b[p + 4] == '-'))
            return R_INCOMPLETE;
        const Name *keyword = &w->plan->keyword;
        if (keyword->n && st->template_depth == 0) {
            Py_ssize_t end;
            Py_ssize_t at = comment_end(b, p + 4, n, &end);
            if (at < 0) {
                if (n - p < max_comment && begins_with_keyword(b, p + 4, n, keyword, 1))
                    return R_INCOMPLETE;
            }
            else {
                st->examined += end - p;
                if (begins_with_keyword(b, p + 4, at, keyword, 0)) {
                    *event = new_event(K_COMMENT, p, end, empty_bytes, p + 4, at);
                    return *event == NULL ? R_ERROR : R_EVENT;
                }
                return end;
            }
        }
        st->mode = M_COMMENT;
        return p + 4;
    }
    static const unsigned char cdata[] = "<![cdata[";
    if (same_lower(b + p, cdata, have)) {
        if (have == 9) {
            st->mode = M_CDATA;
            return p + 9;
        }
        return R_INCOMPLETE; /* too short to tell yet */
    }
    if (have < 4 && (have < 3 || b[p + 2] == '-'))
        return R_INCOMPLETE; /* "<!" or "<!-" */
    st->mode = M_BOGUS_COMMENT;
    return p + 2;
}

/* The raw text of element ``raw`` from ``pos``: the index of its end tag's "<" ("</name" and a
 * delimiter), or -1 when the buffer ends first. */
static Py_ssize_t
raw_text_end(const unsigned char *b, Py_ssize_t pos, Py_ssize_t n, const unsigned char *raw, Py_ssize_t len)
{
    while (pos < n) {
        const unsigned char *lt = memchr(b + pos, '<', (size_t)(n - pos));
        if (lt == NULL)
            return -1;
        Py_ssize_t k = lt - b;
        if (k + 2 + len < n && b[k + 1] == '/' && same_lower(b + k + 2, raw, len)
            && (byte_class[b[k + 2 + len]] & C_NAME_STOP))
            return k;
        pos = k + 1;
    }
    return -1;
}

/* The next event of the buffer from ``pos``, or MORE; NULL with an exception set on failure. */
static PyObject *
walk_from(Walk *w, Py_ssize_t pos)
{
    const unsigned char *b = w->b;
    Py_ssize_t n = w->n;
    StateObject *st = w->st;
    PyObject *event = NULL;
    Py_ssize_t got;
    for (;;) {
        switch (st->mode) {
        case M_DATA: {
            const unsigned char *lt = pos < n ? memchr(b + pos, '<', (size_t)(n - pos)) : NULL;
            if (lt == NULL)
                return more(w, n, n);
            Py_ssize_t p = lt - b;
            if (p + 1 >= n)
                return more(w, p, p);
            unsigned char c = b[p + 1];
            if (c == '!')
                got = bang(w, p, &event);
            else if (c == '?') {
                st->mode = M_BOGUS_COMMENT;
                got = p + 2;
            }
            else if (c == '/') {
                if (p + 2 >= n)
                    return more(w, p, p);
                unsigned char c2 = b[p + 2];
                if (byte_class[c2] & C_ALPHA)
                    got = tag(w, p, 1, &event);
                else if (c2 == '>')
                    got = p + 3; /* "</>" is dropped */
                else {
                    st->mode = M_BOGUS_COMMENT;
                    got = p + 2;
                }
            }
            else if (byte_class[c] & C_ALPHA)
                got = tag(w, p, 0, &event);
            else
                got = p + 1; /* a "<" in text */
            if (got == R_INCOMPLETE)
                return more(w, p, p);
            if (got == R_CUT)
                return more(w, st->start, n);
            break;
        }
        case M_TAG: {
            int state = st->tag;
            Py_ssize_t done = advance(b, pos, n, &state, NULL);
            if (done < 0) {
                st->tag = state;
                st->examined += n - pos;
                return more(w, st->start, n);
            }
            st->mode = M_DATA;
            got = complete(w, st->start, done, -1, &event);
            break;
        }
        case M_RAW_TEXT: {
            PyObject *raw_obj = PyTuple_GET_ITEM(raw_names, st->raw);
            Py_ssize_t len = PyBytes_GET_SIZE(raw_obj);
            Py_ssize_t at = raw_text_end(b, pos, n, (const unsigned char *)PyBytes_AS_STRING(raw_obj), len);
            if (at >= 0) {
                st->mode = M_DATA; /* at "</name": the end tag is read in the data state */
                got = at;
                break;
            }
            /* "</name" may be cut at the end: hold the last "<" that could start it. */
            Py_ssize_t from = n - len - 2 > pos ? n - len - 2 : pos;
            Py_ssize_t hold = n;
            for (Py_ssize_t k = n - 1; k >= from; k--) {
                if (b[k] == '<') {
                    hold = k;
                    break;
                }
            }
            return more(w, hold, hold);
        }
        case M_COMMENT: {
            Py_ssize_t end;
            if (comment_end(b, pos, n, &end) < 0) {
                Py_ssize_t hold = n - 3 > pos ? n - 3 : pos;
                return more(w, hold, hold);
            }
            st->mode = M_DATA;
            got = end;
            break;
        }
        case M_CDATA: {
            Py_ssize_t i = pos, at = -1;
            while (i + 2 < n) {
                const unsigned char *bracket = memchr(b + i, ']', (size_t)(n - i - 2));
                if (bracket == NULL)
                    break;
                Py_ssize_t k = bracket - b;
                if (b[k + 1] == ']' && b[k + 2] == '>') {
                    at = k;
                    break;
                }
                i = k + 1;
            }
            if (at < 0) {
                Py_ssize_t hold = n - 2 > pos ? n - 2 : pos;
                return more(w, hold, hold);
            }
            st->mode = M_DATA;
            got = at + 3;
            break;
        }
        case M_BOGUS_COMMENT: {
            const unsigned char *gt = pos < n ? memchr(b + pos, '>', (size_t)(n - pos)) : NULL;
            if (gt == NULL)
                return more(w, n, n);
            st->mode = M_DATA;
            got = gt - b + 1;
            break;
        }
        default: /* PLAINTEXT: nothing more is markup */
            return more(w, n, n);
        }
        if (got == R_EVENT) {
            st->examined += PyLong_AsSsize_t(PyTuple_GET_ITEM(event, 2)) - w->entry;
            return event;
        }
        if (got == R_ERROR)
            return NULL;
        pos = got;
    }
}

static PyObject *
walk(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "walk() takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *buf = args[0];
    if (!PyBytes_Check(buf) && !PyByteArray_Check(buf)) {
        PyErr_Format(PyExc_TypeError, "walk() needs bytes or bytearray, not %.100s", Py_TYPE(buf)->tp_name);
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    if (pos == -1 && PyErr_Occurred())
        return NULL;
    if (!PyObject_TypeCheck(args[2], &StateType)) {
        PyErr_SetString(PyExc_TypeError, "walk() needs a geonotice.inject._speedups.TokenizerState");
        return NULL;
    }
    StateObject *st = (StateObject *)args[2];
    PyObject *interest = args[3];
    if (interest != st->wanted) {
        /* Compiling may run Python code: done before any pointer into the buffer is taken. */
        PlanObject *plan = plan_for(interest);
        if (plan == NULL)
            return NULL;
        Py_INCREF(interest);
        Py_INCREF(plan);
        Py_XSETREF(st->wanted, interest);
        Py_XSETREF(st->plan, plan);
    }
    Walk w;
    w.st = st;
    w.plan = st->plan;
    if (PyBytes_Check(buf)) {
        w.b = (const unsigned char *)PyBytes_AS_STRING(buf);
        w.n = PyBytes_GET_SIZE(buf);
    }
    else {
        w.b = (const unsigned char *)PyByteArray_AS_STRING(buf);
        w.n = PyByteArray_GET_SIZE(buf);
    }
    if (pos < 0 || pos > w.n) {
        PyErr_Format(PyExc_ValueError, "walk() position %zd outside the buffer of %zd bytes", pos, w.n);
        return NULL;
    }
    /* A cut tag is read again from its "<" (the letter or "/" after it too): it must be held. */
    if (st->mode == M_TAG && !(st->start >= 0 && st->start + 2 <= pos)) {
        PyErr_Format(PyExc_ValueError, "walk() resumes a tag at %zd but its start %zd is not held before it",
                     pos, st->start);
        return NULL;
    }
    w.entry = pos;
    return walk_from(&w, pos);
}

static PyMethodDef module_methods[] = {
    {"walk", (PyCFunction)(void (*)(void))walk, METH_FASTCALL,
     "walk(buf, pos, state, interest) -> Event: the next event of buf at or after pos, or MORE."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "geonotice.inject._speedups",
    .m_doc = "The compiled twin of the tokenizer walk of geonotice.inject.tokenizer.",
    .m_size = -1,
    .m_methods = module_methods,
};

static int
load_shared(void)
{
    PyObject *tokenizer = PyImport_ImportModule("geonotice.inject.tokenizer");
    if (tokenizer == NULL)
        return -1;
    int result = -1;
    PyObject *kind_type = NULL, *limit = NULL;
    raw_names = PyObject_GetAttrString(tokenizer, "RAW_TEXT_NAMES");
    if (raw_names == NULL)
        goto done;
    if (!PyTuple_Check(raw_names) || PyTuple_GET_SIZE(raw_names) != N_RAW) {
        PyErr_SetString(PyExc_ImportError, "tokenizer.RAW_TEXT_NAMES is not the tuple this module was built for");
        goto done;
    }
    for (Py_ssize_t i = 0; i < N_RAW; i++) {
        PyObject *name = PyTuple_GET_ITEM(raw_names, i);
        if (!PyBytes_Check(name) || PyBytes_GET_SIZE(name) == 0) {
            PyErr_SetString(PyExc_ImportError, "tokenizer.RAW_TEXT_NAMES must hold bytes names");
            goto done;
        }
    }
    limit = PyObject_GetAttrString(tokenizer, "MAX_COMMENT");
    if (limit == NULL)
        goto done;
    max_comment = PyLong_AsSsize_t(limit);
    if (max_comment == -1 && PyErr_Occurred())
        goto done;
    event_type = (PyTypeObject *)PyObject_GetAttrString(tokenizer, "Event");
    if (event_type == NULL)
        goto done;
    if (!PyType_Check(event_type) || !PyType_IsSubtype(event_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_ImportError, "tokenizer.Event is not a named tuple");
        goto done;
    }
    kind_type = PyObject_GetAttrString(tokenizer, "EventKind");
    if (kind_type == NULL)
        goto done;
    static const char *kind_names[4] = {"MORE", "START_TAG", "END_TAG", "COMMENT"};
    for (int i = 0; i < 4; i++) {
        kinds[i] = PyObject_GetAttrString(kind_type, kind_names[i]);
        if (kinds[i] == NULL)
            goto done;
    }
    empty_bytes = PyBytes_FromStringAndSize(NULL, 0);
    if (empty_bytes == NULL)
        goto done;
    result = 0;
done:
    Py_XDECREF(limit);
    Py_XDECREF(kind_type);
    Py_DECREF(tokenizer);
    return result;
}

PyMODINIT_FUNC
PyInit__speedups(void)
{
    for (int c = 0; c < 256; c++) {
        unsigned char k = 0;
        int space = c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
        if (space)
            k |= C_SPACE | C_GAP;
        if (space || c == '/' || c == '>')
            k |= C_NAME_STOP;
        if (space || c == '/' || c == '=' || c == '>')
            k |= C_ATTR_STOP;
        if (space || c == '>')
            k |= C_VALUE_STOP;
        if (c == '/')
            k |= C_GAP;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            k |= C_ALPHA;
        byte_class[c] = k;
        lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (raw_names == NULL && load_shared() < 0)
        return NULL;
    if (PyType_Ready(&PlanType) < 0 || PyType_Ready(&StateType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, "TokenizerState", (PyObject *)&StateType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
