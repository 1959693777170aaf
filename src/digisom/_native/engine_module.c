/* digisom.ledger._engine: the ledger's hot path in native code.
 *
 * AccountTable (the account cache's storage), BalanceMap (the replayed balance log),
 * TransferBatch (validate and apply a batch of transfers) and the per-account index's entry
 * functions (sort, search, digest). The readable reference for every
 * rule is digisom/ledger/engine.py; docs/ledger.md says why this exists and what it measured.
 */
#include "engine.h"
#include "index_module.h"

static PyMethodDef engine_functions[] = {INDEX_METHODS{NULL}};

static PyModuleDef engine_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "digisom.ledger._engine",
    .m_doc = "The ledger's account table, balance log replay and transfer engine, compiled.",
    .m_size = -1,
    .m_methods = engine_functions,
};

PyMODINIT_FUNC PyInit__engine(void)
{
    if (PyType_Ready(&AccountTableType) < 0 || PyType_Ready(&BalanceMapType) < 0 ||
        PyType_Ready(&TransferBatchType) < 0)
        return NULL;
    PyObject *errors = PyImport_ImportModule("digisom.errors");
    if (errors == NULL)
        return NULL;
    InvariantError = PyObject_GetAttrString(errors, "InvariantError");
    Py_DECREF(errors);
    if (InvariantError == NULL)
        return NULL;
    PyObject *codes = PyTuple_New(RESULT_COUNT);
    if (codes == NULL)
        return NULL;
    for (int i = 0; i < RESULT_COUNT; i++) {
        result_strings[i] = PyUnicode_InternFromString(result_texts[i]);
        if (result_strings[i] == NULL) {
            Py_DECREF(codes);
            return NULL;
        }
        Py_INCREF(result_strings[i]);
        PyTuple_SET_ITEM(codes, i, result_strings[i]);
    }
    PyObject *module = PyModule_Create(&engine_module);
    if (module == NULL) {
        Py_DECREF(codes);
        return NULL;
    }
    Py_INCREF(&AccountTableType);
    Py_INCREF(&BalanceMapType);
    Py_INCREF(&TransferBatchType);
    if (PyModule_AddObject(module, "AccountTable", (PyObject *)&AccountTableType) < 0 ||
        PyModule_AddObject(module, "BalanceMap", (PyObject *)&BalanceMapType) < 0 ||
        PyModule_AddObject(module, "TransferBatch", (PyObject *)&TransferBatchType) < 0 ||
        PyModule_AddObject(module, "RESULT_CODES", codes) < 0 ||
        PyModule_AddIntConstant(module, "TRANSFER_RECORD_BYTES", TRANSFER_RECORD_BYTES) < 0 ||
        PyModule_AddIntConstant(module, "BALANCE_ENTRY_BYTES", BALANCE_ENTRY_BYTES) < 0 ||
        PyModule_AddIntConstant(module, "INDEX_ENTRY_BYTES", INDEX_ENTRY_BYTES) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
