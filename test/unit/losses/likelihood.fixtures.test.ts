import { describeFixtures } from './run-torch-fixtures';

describeFixtures('likelihood');
