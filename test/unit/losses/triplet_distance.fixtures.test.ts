/**
 * triplet_margin_with_distance_loss against PyTorch 1.13 and 2.14 (scripts/fixtures/gen_triplet_distance.py): the
 * default distance, nn.PairwiseDistance(p=…, eps=…) and 1 − cosine_similarity, by the names a tensor file uses.
 */
import { describeFixtures } from './run-torch-fixtures';

describeFixtures('triplet_distance');
