package dev.paddock.dispatch;

import java.util.List;
import java.util.Map;

/** What a runner reports when it finishes a job. */
public record Outcome(JobStatus status, Map<String, Object> report, String summary, Map<String, Object> result,
                      List<Map<String, Object>> issues, Integer filesReviewed, Integer linesAnalyzed,
                      Integer totalComments, String qualityRating, Map<String, Object> metrics,
                      Map<String, Object> tokensUsed, List<Object> actionsTaken, String error) {
}
