package dev.paddock.dispatch;

import dev.paddock.secret.SecretMasking;

import java.util.List;
import java.util.Map;

/** What a runner reports when it finishes a job. */
public record Outcome(JobStatus status, Map<String, Object> report, String summary, Map<String, Object> result,
                      List<Map<String, Object>> issues, Integer filesReviewed, Integer linesAnalyzed,
                      Integer totalComments, String qualityRating, Map<String, Object> metrics,
                      Map<String, Object> tokensUsed, List<Object> actionsTaken, String error) {

    /** This outcome with the values of the job's secrets masked in every text it holds, as it is stored. */
    public Outcome masked(SecretMasking.Mask mask) {
        return new Outcome(status, mask.map(report), mask.text(summary), mask.map(result), mask.list(issues),
                filesReviewed, linesAnalyzed, totalComments, mask.text(qualityRating), mask.map(metrics),
                mask.map(tokensUsed), mask.list(actionsTaken), mask.text(error));
    }
}
