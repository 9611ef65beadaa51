"""The application layer: one function per use case, called by both the
CLI and the service.  Each takes and returns typed objects and raises
:class:`~scheduler.app.errors.UseCaseError` subclasses whose messages are
the Chinese ones users see.

=============  ===========================================================
validate       :func:`scheduler.app.inputs.validate`, :func:`~scheduler.app.inputs.load_inputs`
draw           :func:`scheduler.app.drawing.draw`, :func:`~scheduler.app.drawing.publish_draw`
verify         :func:`scheduler.app.drawing.verify_draw`
schedule       :func:`scheduler.app.scheduling.schedule`, :func:`~scheduler.app.scheduling.save_plan`
check          :func:`scheduler.app.scheduling.check`
results        :func:`scheduler.app.results.record_results`
export         :func:`scheduler.app.exporting.export`
demo           :func:`scheduler.app.demo.demo`
=============  ===========================================================
"""
