"""gunicorn's settings, read from the project folder (``make serve``; docs/deploy.md).

The app is loaded once in the master and, with ``KB_PRELOAD_MODELS=on`` (the default), the
sentence encoders with it, before the workers fork: the workers then share the models' memory
instead of each loading its own copy (docs/deploy.md). onnxruntime runs each model on the
calling thread (one intra-op thread), so a worker uses its inherited copy as the master would.
What a worker cannot do is tear onnxruntime down at exit: its C++ destructors wait for threads
of the master that do not exist in the worker, and the worker hangs or aborts. So a worker
that loaded the models ends with ``os._exit`` once gunicorn is done with it, after closing its
database connections and flushing its logs.
"""

import logging
import os

preload_app = True
_models_preloaded = False


def when_ready(server) -> None:
    global _models_preloaded
    app = server.app.wsgi()
    if not app.config["KB_PRELOAD_MODELS"] or not app.config["KB_SEARCH_EMBEDDINGS"]:
        return
    from app.search.encoders import warm

    _models_preloaded = True
    for language, failure in warm(app.config["KB_LANGUAGES"]).items():
        if failure:
            server.log.warning("%s encoder not preloaded: %s", language, failure)


def worker_exit(server, worker) -> None:
    if not _models_preloaded:
        return
    from app.extensions import db

    with worker.wsgi.app_context():
        db.engine.dispose()
    logging.shutdown()
    os._exit(0 if worker.booted else 3)  # 3: gunicorn's "worker failed to boot"
