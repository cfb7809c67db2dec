package dev.paddock.dispatch;

import dev.paddock.db.Transactions;
import dev.paddock.problem.ProblemException;

/**
 * 409 for a runner's write on a job that is no longer running. It does not roll back: the
 * runner's acknowledgement that it learned about the stop is kept.
 */
public class StopException extends ProblemException implements Transactions.CommittedRefusal {
    public StopException(String status) {
        super(409, "job-" + status, "Job is " + status, "The job is " + status + "; stop working on it.", null, null);
    }
}
